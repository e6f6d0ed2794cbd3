import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createStore, DIALECTS, skipReason } from '../../test/stores.ts';
import { ping } from './health.ts';

for (const dialect of DIALECTS) {
  describe(`store: health check (${dialect})`, { skip: await skipReason(dialect) }, () => {
    it('answers while the database is open and fails once it is closed', async () => {
      const store = await createStore(dialect);
      await ping(store.db);
      await store.close();
      await assert.rejects(ping(store.db));
    });
  });
}
