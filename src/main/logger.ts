import { pino, type Logger } from 'pino';

/** The service's logger; `destination` is where lines go (default: pino's own stdout writer, for the CLI). */
export const createLogger = (level = process.env.LOG_LEVEL ?? 'info', destination?: { write(line: string): unknown }): Logger =>
  pino(
    {
      level,
      base: { service: 'hookledger' },
      // Defence in depth: nothing should log these, and if something does they are masked.
      redact: { paths: ['authorization', '*.authorization', 'headers.authorization', 'key', 'secret', '*.secret'], censor: '[redacted]' },
    },
    destination as Parameters<typeof pino>[1],
  );
