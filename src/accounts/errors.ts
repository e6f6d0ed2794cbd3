/**
 * The one error type account and subscription commands throw for bad input or a refused
 * action. `message` is written for the person who made the request; `code` lets the web and
 * CLI layers pick a status; `field` names the form field at fault, if any.
 */
export type AccountErrorCode = 'invalid' | 'not_found' | 'conflict' | 'token' | 'auth' | 'unconfirmed';

export class AccountError extends Error {
  constructor(
    readonly code: AccountErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'AccountError';
  }
}

export const invalid = (field: string, message: string) => new AccountError('invalid', message, field);
