import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkRemovals,
  isRemovalGuardMessage,
  needsConfirmation,
  RemovalGuardError,
} from './removal-guard.ts';

describe('scan: the removal guard', () => {
  it('asks for a confirmation above 5% of the live articles and above 20', () => {
    assert.equal(needsConfirmation(3, 100), false, 'a real day');
    assert.equal(needsConfirmation(20, 100), false, 'never for 20 or fewer');
    assert.equal(needsConfirmation(20, 21), false);
    assert.equal(needsConfirmation(21, 100), true);
    assert.equal(needsConfirmation(25, 1000), false, '2.5%');
    assert.equal(needsConfirmation(50, 1000), false, 'exactly 5%');
    assert.equal(needsConfirmation(51, 1000), true);
    assert.equal(needsConfirmation(4100, 4100), true, 'everything');
  });

  it('says how many it would retire out of how many, and how to confirm', () => {
    const err = new RemovalGuardError('support', 1234, 4100);
    assert.equal(
      err.message,
      'scan: support would retire 1,234 of 4,100 live articles (30%); nothing was retired. ' +
        'If that is right, run `kbwatch scan --source support --allow-removals` ' +
        'or use "Allow removals" on the admin sources page.',
    );
    assert.equal(isRemovalGuardMessage(err.message), true);
    assert.equal(isRemovalGuardMessage('classic source: cannot read /srv/kb: ENOENT'), false);
    assert.equal(isRemovalGuardMessage(null), false);
  });

  it('counts the live articles only when the removals are over the floor, and lets confirmed ones through', async () => {
    let asked = 0;
    const live = async () => {
      asked++;
      return 100;
    };
    await checkRemovals({ source: 's', allowRemovals: false }, 20, live);
    assert.equal(asked, 0);
    await assert.rejects(checkRemovals({ source: 's', allowRemovals: false }, 30, live), RemovalGuardError);
    assert.equal(asked, 1);
    await checkRemovals({ source: 's', allowRemovals: true }, 100, live);
    assert.equal(asked, 1);
  });
});
