/**
 * Which TLS version a server negotiates, from a bare handshake: no HTTP
 * request, no token. The client offers every version from TLS 1.0 up (at
 * OpenSSL security level 0, without which OpenSSL 3 refuses 1.0/1.1), so the
 * answer is the best the SERVER supports. The SCIM requests themselves use
 * Node's defaults (TLS 1.2 or later): a token never crosses an old protocol.
 */
import tls from 'node:tls';

export interface TlsHandshake {
  /** `TLSv1.3`, `TLSv1.2`, `TLSv1.1`, `TLSv1`. */
  readonly protocol: string | undefined;
}

export function probeTlsVersion(url: URL, timeoutMs: number, signal?: AbortSignal): Promise<TlsHandshake> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port === '' ? 443 : Number(url.port),
      // SNI is only for names, never for IP literals (RFC 6066 §3).
      ...(/^[\d.]+$|:/.test(url.hostname) ? {} : { servername: url.hostname }),
      minVersion: 'TLSv1',
      ciphers: 'DEFAULT:@SECLEVEL=0',
      // The certificate is judged by the HTTP requests; this handshake only reads the version.
      rejectUnauthorized: false,
    });
    const timer = setTimeout(() => socket.destroy(new Error(`No TLS handshake within ${timeoutMs} ms`)), timeoutMs);
    const onAbort = () => socket.destroy(new Error('Interrupted'));
    signal?.addEventListener('abort', onAbort, { once: true });
    const settle = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    socket.once('secureConnect', () => {
      settle();
      const protocol = socket.getProtocol() ?? undefined;
      socket.end();
      resolve({ protocol });
    });
    socket.once('error', (error) => {
      settle();
      reject(error);
    });
  });
}
