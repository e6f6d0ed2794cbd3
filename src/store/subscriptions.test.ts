import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { insertDigestUser, subscribe } from '../../test/digest-factories.ts';
import { insertTechnology } from '../../test/factories.ts';
import { RowCounter } from '../../test/row-counter.ts';
import { createStore, DIALECTS, skipReason } from '../../test/stores.ts';
import type { Store } from './db.ts';
import {
  activeSubscriptions,
  countSubscriptionsByUser,
  findUserSubscription,
  pauseAllSubscriptions,
  technologySlugs,
} from './subscriptions.ts';

for (const dialect of DIALECTS) {
  const reason = await skipReason(dialect);
  describe(`store: subscriptions for digests on ${dialect}`, { skip: reason }, () => {
    let store: Store;
    let ann: number;
    let bob: number;
    let cy: number;
    let techId: number;
    const subs = { annTech: 0, annQuery: 0, annPaused: 0, annMuted: 0, bobQuery: 0 };

    before(async () => {
      store = await createStore(dialect);
      const db = store.db;
      techId = await insertTechnology(db, { slug: 'exchange-online', name: 'Exchange Online' });
      ann = await insertDigestUser(db, { email: 'ann@example.org' });
      bob = await insertDigestUser(db, { email: 'bob@example.org' });
      cy = await insertDigestUser(db, { email: 'cy@example.org' });
      subs.annTech = await subscribe(db, ann, { technologyId: techId });
      subs.annQuery = await subscribe(db, ann, { query: 'title:mailbox' });
      subs.annPaused = await subscribe(db, ann, { query: 'paused' }, { paused: true });
      subs.annMuted = await subscribe(db, ann, { query: 'muted' }, { muted: true });
      subs.bobQuery = await subscribe(db, bob, { query: 'kb:123' });
    });
    after(async () => store?.close());

    it('gives the active subscriptions by user, oldest first, labelled', async () => {
      const active = await activeSubscriptions(store.db);
      assert.deepEqual([...active.keys()].sort(), [ann, bob].sort());
      assert.deepEqual(active.get(ann), [
        {
          id: subs.annTech,
          userId: ann,
          kind: 'technology',
          technologyId: techId,
          query: null,
          label: 'Exchange Online',
        },
        {
          id: subs.annQuery,
          userId: ann,
          kind: 'query',
          technologyId: null,
          query: 'title:mailbox',
          label: 'title:mailbox',
        },
      ]);
      const onlyBob = await activeSubscriptions(store.db, new Set([bob, cy]));
      assert.deepEqual([...onlyBob.keys()], [bob]);
    });

    it('reads only the subscriptions of the users asked for, and technology slugs', async () => {
      const counter = new RowCounter();
      const onlyAnn = await activeSubscriptions(store.db.withPlugin(counter), new Set([ann]));
      assert.deepEqual([...onlyAnn.keys()], [ann]);
      assert.equal(counter.of('subscriptions').rows, 2, 'ann’s two active rows, not bob’s');
      assert.equal(counter.of('technologies').rows, 1);
      assert.deepEqual(await activeSubscriptions(store.db, new Set()), new Map());
      assert.deepEqual(
        await technologySlugs(store.db, [techId, 999_999]),
        new Map([[techId, 'exchange-online']]),
      );
    });

    it('finds one of the user’s own subscriptions with its technology', async () => {
      const sub = await findUserSubscription(store.db, ann, subs.annTech);
      assert.equal(sub?.kind, 'technology');
      assert.equal(sub?.technology_name, 'Exchange Online');
      assert.equal(sub?.technology_slug, 'exchange-online');
      assert.equal((await findUserSubscription(store.db, ann, subs.annQuery))?.technology_name, null);
      assert.equal(await findUserSubscription(store.db, bob, subs.annTech), undefined, 'not another user’s');
    });

    it('counts subscriptions by user, paused and muted included', async () => {
      assert.deepEqual(
        await countSubscriptionsByUser(store.db),
        new Map([
          [ann, 4],
          [bob, 1],
        ]),
      );
    });

    it('pauses every active subscription of one user, once', async () => {
      assert.equal(await pauseAllSubscriptions(store.db, ann), 3, 'the muted one was active too');
      assert.equal(await pauseAllSubscriptions(store.db, ann), 0);
      const active = await activeSubscriptions(store.db);
      assert.deepEqual([...active.keys()], [bob]);
    });
  });
}
