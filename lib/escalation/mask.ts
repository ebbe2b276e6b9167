const EMAIL = /([A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+)@([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+)/g;

/** A recipient with its local part masked: `john@contoso.com` → `j***@contoso.com`; text without `@` is masked whole. */
export function maskRecipient(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 0) return address.length === 0 ? '' : '***';
  const local = address.slice(0, at);
  return `${local.length > 0 ? local[0] : ''}***${address.slice(at)}`;
}

/** Every e-mail address inside free text (a reply such as `550 5.1.1 <john@contoso.com>: unknown`) masked the same way. */
export function maskAddressesIn(text: string): string {
  return text.replace(EMAIL, (_, local: string, domain: string) => `${local[0] ?? ''}***@${domain}`);
}
