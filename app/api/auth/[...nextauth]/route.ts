// Auth.js endpoints: sign-in callback, session, CSRF token, sign-out.
import { handlers } from '@/lib/auth/config';

export const { GET, POST } = handlers;
