import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createStore, DIALECTS, skipReason } from '../../test/stores.ts';
import { dialectOf } from './dialect.ts';

for (const dialect of DIALECTS) {
  describe(`store: dialect (${dialect})`, { skip: await skipReason(dialect) }, () => {
    it('tells the database of a handle, a transaction or a connection', async () => {
      const store = await createStore(dialect);
      try {
        assert.equal(dialectOf(store.db), dialect);
        assert.equal(store.dialect, dialect);
        assert.equal(await store.db.transaction().execute(async (tx) => dialectOf(tx)), dialect);
        assert.equal(await store.db.connection().execute(async (conn) => dialectOf(conn)), dialect);
      } finally {
        await store.close();
      }
    });
  });
}
