import { defineConfig } from 'prisma/config';

// The CLI is used for `prisma generate` only; migrations are applied by `npm run db:migrate`.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/deferral_desk' },
});
