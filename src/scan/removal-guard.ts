/**
 * The removal guard: a source that vanished is not a source that was emptied. A scan that would
 * retire more than 5% of a source's live articles, and more than 20, stops before it retires
 * anything and fails the source; an administrator confirms with `kbwatch scan --source N
 * --allow-removals` or "Allow removals" on the admin sources page. The real days remove at
 * most a few articles.
 */

/** The share of a source's live articles one scan may retire without a confirmation. */
export const REMOVAL_SHARE = 0.05;
/** Up to this many removals a scan never needs a confirmation, whatever the share. */
export const REMOVAL_FLOOR = 20;

/** Words every guard message holds, so the admin page can offer the confirmation. */
const NOTHING_RETIRED = 'nothing was retired';

const count = (n: number) => n.toLocaleString('en-US');

/** A scan stopped because it would retire too much of its source. */
export class RemovalGuardError extends Error {
  constructor(
    readonly source: string,
    readonly retiring: number,
    readonly live: number,
  ) {
    const share = live > 0 ? Math.round((retiring / live) * 100) : 100;
    super(
      `scan: ${source} would retire ${count(retiring)} of ${count(live)} live articles (${share}%); ` +
        `${NOTHING_RETIRED}. If that is right, run \`kbwatch scan --source ${source} --allow-removals\` ` +
        `or use "Allow removals" on the admin sources page.`,
    );
    this.name = 'RemovalGuardError';
  }
}

/** Whether retiring `retiring` of `live` articles needs a confirmation. */
export function needsConfirmation(retiring: number, live: number): boolean {
  return retiring > REMOVAL_FLOOR && retiring > live * REMOVAL_SHARE;
}

/** What a scan's removals are checked with: the source, and whether an administrator confirmed them. */
export interface RemovalGuard {
  source: string;
  allowRemovals: boolean;
}

/**
 * Throws RemovalGuardError when the removals need a confirmation that was not given. `live`
 * counts the source's live articles; it is only asked for when the removals are over the floor.
 */
export async function checkRemovals(
  guard: RemovalGuard,
  retiring: number,
  live: () => Promise<number>,
): Promise<void> {
  if (guard.allowRemovals || retiring <= REMOVAL_FLOOR) return;
  const total = await live();
  if (needsConfirmation(retiring, total)) throw new RemovalGuardError(guard.source, retiring, total);
}

/** Whether a source's last error is the removal guard's (the admin page then offers to confirm). */
export function isRemovalGuardMessage(message: string | null | undefined): boolean {
  return message != null && message.includes(NOTHING_RETIRED) && message.includes('--allow-removals');
}
