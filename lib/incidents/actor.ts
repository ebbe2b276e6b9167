import { ApiError } from '@/lib/http/errors';
import type { Principal } from '@/lib/http/guard';

/** Who a change is recorded under: the user's email, or the token. */
export function actorOf(principal: Principal): string {
  return principal.kind === 'user' ? principal.email : `token:${principal.tokenId}`;
}

/** The JSON body of an annotation request; a body that is not JSON is a 400 saying so. */
export async function jsonBody(req: Request): Promise<unknown> {
  try {
    return await req.json();
  } catch {
    throw new ApiError('bad_request', 'The body must be JSON.');
  }
}
