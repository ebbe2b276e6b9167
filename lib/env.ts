import { z } from 'zod';

/**
 * The whole environment, validated once. `.env.example` mirrors this schema.
 * `scripts/start.ts` fills DATABASE_URL (embedded database) and AUTH_SECRET (persisted under
 * DATA_DIR on an embedded first run) before the web server starts.
 */
const envSchema = z.object({
  DATABASE_URL: z.string().url({ message: 'must be a postgresql:// URL' }).optional(),
  AUTH_SECRET: z
    .string()
    .min(32, { message: 'must be at least 32 characters: make one with `openssl rand -base64 32`' })
    .optional(),
  DATA_DIR: z.string().default('./.data'),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Connections each app process keeps to PostgreSQL. */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(4).max(500).default(10),
  /** Ingest batches one app process writes at once; later ones wait (up to a minute, then 503), keeping connections for dashboards. */
  INGEST_CONCURRENCY: z.coerce.number().int().min(1).default(3),
  /** Largest request body accepted by the ingest API, in bytes (uploads stream and have their own limit). */
  MAX_BODY_BYTES: z.coerce.number().int().positive().default(64 * 1024 * 1024),
  /** Largest single uploaded file, in bytes. */
  MAX_UPLOAD_BYTES: z.coerce.number().int().positive().default(2 * 1024 * 1024 * 1024),
  /** DNS servers for authentication and blocklist checks, comma-separated host[:port]; empty = system resolvers. */
  DNS_SERVERS: z.string().default(''),
  /** Seconds a message whose fate is unknown stays counted in the queue (the usual MTA maximal queue lifetime). */
  QUEUE_MAX_LIFETIME_SECONDS: z.coerce.number().int().positive().default(5 * 24 * 3600),
  /** Days raw events are kept; rollups, queue state and events of unresolved incidents are kept longer. */
  RETENTION_DAYS: z.coerce.number().int().min(1).default(90),
  SENDGRID_WEBHOOK_PUBLIC_KEY: z.string().optional(),
  MAILGUN_WEBHOOK_SIGNING_KEY: z.string().optional(),
  SES_VERIFY_SNS_SIGNATURE: z.enum(['true', 'false']).default('false'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
}).refine((e) => e.INGEST_CONCURRENCY < e.DATABASE_POOL_SIZE - 1, {
  message: 'must leave at least two pooled connections for dashboards and incident detection',
  path: ['INGEST_CONCURRENCY'],
});

export type Env = z.infer<typeof envSchema>;

let cached: Env | undefined;

/** The parsed environment; throws a message naming each bad variable. */
export function env(): Env {
  if (cached) return cached;
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join('\n')}`);
  }
  cached = parsed.data;
  return cached;
}

/** DATABASE_URL, which the server cannot run without (scripts/start.ts sets it for the embedded database). */
export function databaseUrl(): string {
  const url = env().DATABASE_URL;
  if (!url) {
    throw new Error('DATABASE_URL is not set. Start the app with `npm start` (it runs an embedded database when DATABASE_URL is unset) or set DATABASE_URL=postgresql://user@host:5432/db.');
  }
  return url;
}

/** AUTH_SECRET, required to sign sessions. */
export function authSecret(): string {
  const secret = env().AUTH_SECRET;
  if (!secret) {
    throw new Error('AUTH_SECRET is not set. Make one with `openssl rand -base64 32` and put it in the environment or .env (npm start generates and keeps one under DATA_DIR when it runs the embedded database).');
  }
  return secret;
}
