/**
 * Whether a URL setting carries credentials in its user-info part (`https://user:password@host`). Such a URL is
 * refused at start-up: every error, log line or record that names the endpoint would carry the password with it, and
 * fetch() itself refuses such URLs with the whole URL in its message.
 */
export function carriesCredentials(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.username !== '' || parsed.password !== '';
  } catch {
    return /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(url);
  }
}
