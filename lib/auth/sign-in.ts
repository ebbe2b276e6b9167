import { findUserForSignIn, recordSignIn } from './accounts';
import { verifyPassword } from './password';

/** A hash of a random password, checked against when the e-mail is unknown so timing does not reveal which e-mails exist. */
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$y9sS9ysgPkZ1jV2OY7q4qDcc1Vh8jVv4p1x1m7g0Y0Y';

/** The user for an e-mail and password, or null. */
export async function checkCredentials(email: string, password: string): Promise<{ id: string; email: string } | null> {
  if (!email || !password || password.length > 1024) return null;
  const user = await findUserForSignIn(email);
  const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !ok) return null;
  await recordSignIn(user.id);
  return { id: user.id, email: user.email };
}
