import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs; credentials and tokens are redacted wherever they appear in logged objects.
 * `destination` defaults to stdout; tests pass a stream to inspect what gets logged.
 */
export function createLogger(options: { level: string; name: string }, destination?: DestinationStream): Logger {
  return pino({
    name: options.name,
    level: options.level,
    redact: {
      paths: [
        'password',
        '*.password',
        'req.headers.authorization',
        'req.headers.cookie',
        '*.access_token',
        '*.refresh_token',
        '*.receipt_data',
        'config.JWT_SECRET',
        'config.S3_SECRET',
      ],
      censor: '[redacted]',
    },
  }, destination);
}
