/** Interactive confirmation of destructive commands, only ever on a terminal. */
import { createInterface } from 'node:readline/promises';

/** Asks the operator to type `expected`; true when they did. Prompts on stderr so stdout stays clean. */
export async function confirmByTyping(question: string, expected: string): Promise<boolean> {
  const readline = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await readline.question(`${question}\nType "${expected}" to confirm: `);
    return answer.trim() === expected;
  } finally {
    readline.close();
  }
}

export function isInteractive(): boolean {
  return process.stdin.isTTY === true;
}
