/**
 * Replays, against a real server on a real SQLite file, the request
 * sequences identity providers send: one fixture per sequence under
 * test/interop/<provider>/, each citing the document or test suite it is
 * transcribed from. A fresh server per fixture, so sequences cannot lean on
 * each other's data.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { build, SCIM } from '../helpers/build.js';
import { parseFixture, type ReplayFixture } from './replay/fixture.js';
import { replay } from './replay/replay.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const PROVIDERS = ['okta', 'entra-id', 'google-workspace', 'onelogin', 'jumpcloud', 'authentik', 'pingfederate', 'rippling', 'sailpoint', 'cyberark'] as const;
const PUBLIC_BASE = 'https://scim.example.com/scim/v2';

interface LoadedFixture {
  readonly label: string;
  readonly fixture: ReplayFixture;
}

function loadFixtures(provider: string): LoadedFixture[] {
  const directory = path.join(here, provider);
  if (!existsSync(directory)) return [];
  return readdirSync(directory)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const label = `${provider}/${file}`;
      return { label, fixture: parseFixture(JSON.parse(readFileSync(path.join(directory, file), 'utf8')), label) };
    });
}

for (const provider of PROVIDERS) {
  describe(`replay: ${provider}`, () => {
    const fixtures = loadFixtures(provider);

    it('has at least one cited fixture', () => {
      expect(fixtures.length).toBeGreaterThan(0);
    });

    for (const { label, fixture } of fixtures) {
      it(`${label}: ${fixture.description}`, async () => {
        const server = await build();
        try {
          await replay(server, fixture, label, { basePath: SCIM, publicBase: PUBLIC_BASE });
        } finally {
          await server.close();
        }
      });
    }
  });
}
