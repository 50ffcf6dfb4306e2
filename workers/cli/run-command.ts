/**
 * Runs a command's main and exits with its code. An unexpected error is one line on stderr
 * ("<name> failed: …") and exit code 1; commands return 2 themselves for usage errors.
 */
export function runCommand(name: string, main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error: Error) => {
      console.error(`${name} failed: ${error.message}`);
      process.exit(1);
    },
  );
}
