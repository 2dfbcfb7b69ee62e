/**
 * Password hashing for the writeOnly User `password` attribute
 * (RFC 7643 §4.1.1: "the service provider SHOULD NOT return the password
 * in any form"). We store a scrypt hash with its parameters and salt, so
 * the cost can be raised later without invalidating stored hashes.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, stored: string): Promise<boolean>;
}

interface ScryptParameters {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

const KEY_LENGTH = 32;

function scryptAsync(password: string, salt: Buffer, params: ScryptParameters): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // maxmem must cover 128 * N * r bytes plus overhead, or Node refuses large N.
    const maxmem = 256 * params.N * params.r;
    scrypt(password, salt, KEY_LENGTH, { ...params, maxmem }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/**
 * Format: `scrypt$N$r$p$<salt b64>$<key b64>`. The default cost (N = 2^15,
 * r = 8: 32 MiB, tens of milliseconds) runs on libuv's thread pool, off the
 * event loop.
 */
export function createScryptHasher(params: ScryptParameters = { N: 2 ** 15, r: 8, p: 1 }): PasswordHasher {
  return {
    async hash(password) {
      const salt = randomBytes(16);
      const key = await scryptAsync(password, salt, params);
      return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64')}$${key.toString('base64')}`;
    },
    async verify(password, stored) {
      const [scheme, n, r, p, salt, key] = stored.split('$');
      if (scheme !== 'scrypt' || !n || !r || !p || !salt || !key) return false;
      const expected = Buffer.from(key, 'base64');
      const actual = await scryptAsync(password, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p) });
      return expected.length === actual.length && timingSafeEqual(expected, actual);
    },
  };
}
