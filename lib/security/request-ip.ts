import { headers } from 'next/headers';
import { clientIp } from './client-ip';

/** The client address of the request a server action or page is handling. */
export async function requestIp(): Promise<string> {
  return clientIp(await headers());
}
