/**
 * Exit codes of the `scimitar` command: 0 success; 1 the operation failed
 * (not found, refused by the server's rules, database error); 2 the command
 * was used wrongly (unknown option, bad argument, missing confirmation, bad
 * configuration).
 */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** The command line itself is wrong: exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The operation could not be done (e.g. the user declined a confirmation): exit code 1. */
export class CommandFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandFailed';
  }
}
