import { ApiError } from '@/lib/http/errors';
import { db } from '@/lib/db/client';
import { Prisma } from '@/lib/generated/prisma/client';
import { hashPassword } from './password';
import { emailSchema, orgNameSchema, passwordSchema, slugSchema, type RoleName } from './schemas';

export interface OrganizationDto {
  id: string;
  slug: string;
  name: string;
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}

/** Creates an organisation; 409 when the slug is taken. */
export async function createOrganization(input: { slug: string; name?: string }): Promise<OrganizationDto> {
  const slug = slugSchema.parse(input.slug);
  const name = orgNameSchema.parse(input.name ?? slug);
  try {
    return await db().organization.create({ data: { slug, name }, select: { id: true, slug: true, name: true } });
  } catch (error) {
    if (isUniqueViolation(error)) throw new ApiError('conflict', `Organisation "${slug}" already exists.`);
    throw error;
  }
}

export async function getOrganizationBySlugOrThrow(slug: string): Promise<OrganizationDto> {
  const org = await db().organization.findUnique({ where: { slug: slug.toLowerCase() }, select: { id: true, slug: true, name: true } });
  if (!org) throw new ApiError('not_found', `No organisation "${slug}".`);
  return org;
}

/**
 * Creates a user with a membership in one organisation. An existing user (same e-mail) is given the
 * membership instead, keeping their password; a user already in that organisation is a conflict.
 */
export async function createUser(input: { orgSlug: string; email: string; password: string; role: RoleName; name?: string }): Promise<{ id: string; email: string; created: boolean }> {
  const email = emailSchema.parse(input.email);
  const org = await getOrganizationBySlugOrThrow(input.orgSlug);
  const existing = await db().user.findUnique({ where: { email }, select: { id: true } });
  if (existing) {
    try {
      await db().membership.create({ data: { organizationId: org.id, userId: existing.id, role: input.role } });
    } catch (error) {
      if (isUniqueViolation(error)) throw new ApiError('conflict', `${email} is already a member of "${org.slug}".`);
      throw error;
    }
    return { id: existing.id, email, created: false };
  }
  const password = passwordSchema.parse(input.password);
  const user = await db().user.create({
    data: {
      email,
      name: input.name ?? null,
      passwordHash: await hashPassword(password),
      memberships: { create: { organizationId: org.id, role: input.role } },
    },
    select: { id: true, email: true },
  });
  return { ...user, created: true };
}

export async function countUsers(): Promise<number> {
  return db().user.count();
}

/** Lock key serialising first-admin creation, so two browsers racing on /setup create one admin. */
const FIRST_ADMIN_LOCK = 4_771_231;

/**
 * The first-run setup: organisation + admin in one transaction, refused once any user exists.
 */
export async function createFirstAdmin(input: { orgName: string; slug: string; email: string; password: string }): Promise<{ userId: string; org: OrganizationDto }> {
  const slug = slugSchema.parse(input.slug);
  const orgName = orgNameSchema.parse(input.orgName);
  const email = emailSchema.parse(input.email);
  const passwordHash = await hashPassword(passwordSchema.parse(input.password));
  return db().$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${FIRST_ADMIN_LOCK})`;
    if ((await tx.user.count()) > 0) throw new ApiError('conflict', 'The first administrator already exists. Sign in instead.');
    const org = await tx.organization.upsert({
      where: { slug },
      update: {},
      create: { slug, name: orgName },
      select: { id: true, slug: true, name: true },
    });
    const user = await tx.user.create({
      data: { email, passwordHash, memberships: { create: { organizationId: org.id, role: 'admin' } } },
      select: { id: true },
    });
    return { userId: user.id, org };
  });
}

export interface MembershipDto {
  organizationId: string;
  slug: string;
  name: string;
  role: RoleName;
}

export interface UserDto {
  id: string;
  email: string;
  name: string | null;
  memberships: MembershipDto[];
}

/** A user with their organisations, or null when the user no longer exists. */
export async function getUserWithMemberships(userId: string): Promise<UserDto | null> {
  const user = await db().user.findUnique({
    where: { id: userId },
    select: {
      id: true,
      email: true,
      name: true,
      memberships: { select: { role: true, organization: { select: { id: true, slug: true, name: true } } }, orderBy: { createdAt: 'asc' } },
    },
  });
  if (!user) return null;
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    memberships: user.memberships.map((m) => ({ organizationId: m.organization.id, slug: m.organization.slug, name: m.organization.name, role: m.role })),
  };
}

export async function findUserForSignIn(email: string): Promise<{ id: string; email: string; passwordHash: string } | null> {
  const parsed = emailSchema.safeParse(email);
  if (!parsed.success) return null;
  return db().user.findUnique({ where: { email: parsed.data }, select: { id: true, email: true, passwordHash: true } });
}

export async function recordSignIn(userId: string): Promise<void> {
  await db().user.update({ where: { id: userId }, data: { lastLoginAt: new Date() } });
}
