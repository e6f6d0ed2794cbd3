/** A query the language does not accept. The message names what is wrong and where. */
export class QueryError extends Error {
  override name = 'QueryError';
  /** 0-based character index in the input where the problem starts. */
  readonly position: number;
  /** How many characters the problem spans (at least 1 unless the input is empty). */
  readonly length: number;

  /** `hint` follows the position: `query: bad date "2022-13-01" at position 8; expected YYYY-MM-DD`. */
  constructor(what: string, position: number, length = 1, hint?: string) {
    super(`query: ${what} at position ${position}${hint ? `; ${hint}` : ''}`);
    this.position = position;
    this.length = length;
  }
}
