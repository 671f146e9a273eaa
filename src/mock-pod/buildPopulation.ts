import { makeUserId, tenantOf, toUserId, type CategoryValue, type UserId } from '../model';
import { deriveSeed, mulberry32, pick, pickWeighted, randomInt, type Random } from './mulberry32';
import type { MockTenantSpec, MockUserSpec } from './types';

/** A user's mutable state inside the emulator. */
export interface UserRecord {
  readonly id: UserId;
  readonly tenantId: number;
  readonly company: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly displayName: string;
  readonly email: string;
  chosen: CategoryValue;
  online: boolean;
  idle: boolean;
  active: boolean;
  timestamp: number;
}

export interface Population {
  readonly homeTenantId: number;
  readonly defaultUserId: UserId;
  readonly users: UserRecord[];
  readonly connections: [UserId, UserId][];
}

/** The default network: a mid-sized home company, a partner bank, and a small tenant whose ids exceed 2^53. */
export const DEFAULT_TENANTS: readonly Required<MockTenantSpec>[] = Object.freeze([
  { id: 189, name: 'Acme Capital', userCount: 240 },
  { id: 190, name: 'Northwind Bank', userCount: 120 },
  { id: 200000, name: 'Far East Securities', userCount: 6 },
]);

const DEFAULT_USER_COUNT = 20;

// Local part of the first home user: makes the default user 12987981103203, the id in Symphony's docs.
const DEFAULT_USER_LOCAL = 99;

const FIRST_NAMES = [
  'Aisha', 'Akira', 'Alejandro', 'Amara', 'Anders', 'Ana', 'Arjun', 'Beatriz', 'Camille', 'Chen', 'Chiara',
  'Daniel', 'Dmitri', 'Elena', 'Emeka', 'Emma', 'Fatima', 'Felix', 'Freya', 'Gabriel', 'Hana', 'Hiroshi',
  'Ibrahim', 'Ines', 'Isaac', 'Jana', 'Javier', 'Ji-woo', 'Julia', 'Kwame', 'Laila', 'Lars', 'Leila', 'Liam',
  'Lucia', 'Mateo', 'Mei', 'Mohammed', 'Nadia', 'Niamh', 'Noah', 'Olga', 'Omar', 'Priya', 'Rafael', 'Ravi',
  'Rosa', 'Samir', 'Sara', 'Sean', 'Sofia', 'Tariq', 'Thomas', 'Tomasz', 'Uma', 'Valentina', 'Wei', 'Yara',
  'Yusuf', 'Zoe',
] as const;

const LAST_NAMES = [
  'Abebe', 'Adeyemi', 'Andersson', 'Bauer', 'Becker', 'Bianchi', 'Chen', 'Costa', 'Dubois', 'Dupont', 'Evans',
  'Fernandes', 'Fischer', 'Garcia', 'Gupta', 'Haddad', 'Hansen', 'Hernandez', 'Ito', 'Ivanova', 'Jensen', 'Kaur',
  'Khan', 'Kim', 'Kowalski', 'Larsen', 'Lee', 'Lopez', 'Martin', 'Mendes', 'Moreau', 'Murphy', "N'Diaye",
  'Nakamura', 'Nguyen', 'Novak', "O'Brien", 'Okafor', 'Olsen', 'Patel', 'Petrov', 'Popescu', 'Rahman', 'Rossi',
  'Sato', 'Schmidt', 'Silva', 'Singh', 'Smith', 'Suzuki', 'Tanaka', 'Torres', 'Van der Berg', 'Wagner',
  'Walker', 'Wang', 'Williams', 'Yamamoto', 'Zhang', 'Zielinski',
] as const;

/** Chosen categories of generated users: mostly everyday ones, now and then a deprecated or unset one. */
const CATEGORY_WEIGHTS: readonly (readonly [CategoryValue & string, number])[] = [
  ['AVAILABLE', 40],
  ['BUSY', 20],
  ['IN_A_MEETING', 10],
  ['AWAY', 9],
  ['ON_THE_PHONE', 6],
  ['OUT_OF_OFFICE', 6],
  ['BE_RIGHT_BACK', 5],
  ['OFF_WORK', 1.5],
  ['DO_NOT_DISTURB', 1.5],
  ['UNDEFINED', 1],
];

const OFFLINE_SHARE = 0.25;
const IDLE_SHARE = 0.2;
/** Share of offline users the pod-wide listing leaves out. */
const INACTIVE_SHARE_OF_OFFLINE = 0.15;
const DEFAULT_USER_CONNECTED_SHARE = 0.85;
const OTHER_USER_CONNECTED_SHARE = 0.3;
const MINUTE = 60_000;
const SMALL_TENANT_SIZE = 10;

/** A category a user might pick, with the population's weights. */
export function randomChosenCategory(random: Random): CategoryValue {
  return pickWeighted(random, CATEGORY_WEIGHTS);
}

function emailDomain(company: string): string {
  return `${company.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}.example`;
}

function emailLocal(first: string, last: string): string {
  return `${first}.${last}`.toLowerCase().replace(/[^a-z0-9.]+/g, '');
}

function generateUsers(tenants: readonly MockTenantSpec[], random: Random, now: number): UserRecord[] {
  const users: UserRecord[] = [];
  const takenEmails = new Set<string>();
  tenants.forEach((tenant, tenantIndex) => {
    const domain = emailDomain(tenant.name);
    let local = tenantIndex === 0 ? DEFAULT_USER_LOCAL : randomInt(random, 1000, 5000);
    const count = tenant.userCount ?? DEFAULT_USER_COUNT;
    for (let i = 0; i < count; i++) {
      const firstName = pick(random, FIRST_NAMES);
      const lastName = pick(random, LAST_NAMES);
      let email = `${emailLocal(firstName, lastName)}@${domain}`;
      for (let n = 2; takenEmails.has(email); n++) email = `${emailLocal(firstName, lastName)}${n}@${domain}`;
      takenEmails.add(email);
      const online = random() >= OFFLINE_SHARE;
      users.push({
        id: makeUserId(tenant.id, local),
        tenantId: tenant.id,
        company: tenant.name,
        firstName,
        lastName,
        displayName: `${firstName} ${lastName}`,
        email,
        chosen: randomChosenCategory(random),
        online,
        idle: online && random() < IDLE_SHARE,
        active: online || random() >= INACTIVE_SHARE_OF_OFFLINE,
        timestamp: now - randomInt(random, MINUTE, 3 * 24 * 60 * MINUTE),
      });
      // Real ids are sparse; gaps also make sure tests never rely on consecutive ids.
      local += randomInt(random, 1, 37);
    }
  });
  return users;
}

function usersFromSpecs(
  specs: readonly MockUserSpec[],
  tenants: readonly MockTenantSpec[],
  now: number,
): { users: UserRecord[]; connections: [UserId, UserId][] } {
  const names = new Map(tenants.map((t) => [t.id, t.name]));
  const connections: [UserId, UserId][] = [];
  const seen = new Set<UserId>();
  const users = specs.map((spec): UserRecord => {
    const id = toUserId(spec.id);
    if (seen.has(id)) throw new Error(`createMockPod: user ${id} is listed twice`);
    seen.add(id);
    const tenantId = tenantOf(id);
    const company = names.get(tenantId) ?? `Tenant ${tenantId}`;
    const firstName = spec.firstName ?? 'User';
    const lastName = spec.lastName ?? id;
    const signedOut = spec.category === 'OFFLINE';
    for (const other of spec.connectedTo ?? []) connections.push([id, toUserId(other)]);
    return {
      id,
      tenantId,
      company,
      firstName,
      lastName,
      displayName: spec.displayName ?? `${firstName} ${lastName}`,
      email: `${emailLocal(firstName, lastName) || 'user'}.${id}@${emailDomain(company)}`,
      chosen: signedOut ? 'AVAILABLE' : (spec.category ?? 'AVAILABLE'),
      online: spec.online ?? !signedOut,
      idle: spec.idle ?? false,
      active: spec.active ?? true,
      timestamp: spec.timestamp ?? now,
    };
  });
  for (const [a, b] of connections) {
    if (!seen.has(b)) throw new Error(`createMockPod: user ${a} is connected to unknown user ${b}`);
  }
  return { users, connections };
}

function generateConnections(
  users: readonly UserRecord[],
  defaultUser: UserRecord,
  random: Random,
): [UserId, UserId][] {
  const connections: [UserId, UserId][] = [];
  const home = defaultUser.tenantId;
  const externalIndex = new Map<number, number>();
  const tenantSize = new Map<number, number>();
  for (const u of users) tenantSize.set(u.tenantId, (tenantSize.get(u.tenantId) ?? 0) + 1);
  for (const other of users) {
    if (other.tenantId === home) continue;
    // Small tenants are close partners: all connected. In bigger ones the first external user is
    // always connected and the second never, so every seed has both cases; the rest are drawn.
    const index = externalIndex.get(other.tenantId) ?? 0;
    externalIndex.set(other.tenantId, index + 1);
    const small = (tenantSize.get(other.tenantId) ?? 0) < SMALL_TENANT_SIZE;
    const connected = small || index === 0 || (index !== 1 && random() < DEFAULT_USER_CONNECTED_SHARE);
    if (connected) connections.push([defaultUser.id, other.id]);
  }
  for (const user of users) {
    if (user.tenantId !== home || user === defaultUser) continue;
    for (const other of users) {
      if (other.tenantId !== home && random() < OTHER_USER_CONNECTED_SHARE) connections.push([user.id, other.id]);
    }
  }
  return connections;
}

/** Builds the users and connections a pod starts with. Deterministic for a seed and `now`. */
export function buildPopulation(
  options: {
    tenants?: readonly MockTenantSpec[] | undefined;
    users?: readonly MockUserSpec[] | undefined;
    defaultUserId?: UserId | undefined;
  },
  seed: number,
  now: number,
): Population {
  const random = mulberry32(deriveSeed(seed, 1));
  const tenants = options.tenants ?? DEFAULT_TENANTS;
  const generated = options.users === undefined;
  const { users, connections } = generated
    ? { users: generateUsers(tenants, random, now), connections: [] as [UserId, UserId][] }
    : usersFromSpecs(options.users ?? [], tenants, now);
  if (users.length === 0) throw new Error('createMockPod: the pod needs at least one user');

  const homeTenantId =
    options.tenants?.[0]?.id ??
    (options.defaultUserId ? tenantOf(options.defaultUserId) : (users[0] as UserRecord).tenantId);
  const defaultUser = options.defaultUserId
    ? users.find((u) => u.id === options.defaultUserId)
    : (users.find((u) => u.tenantId === homeTenantId) ?? users[0]);
  if (!defaultUser) throw new Error(`createMockPod: default user ${options.defaultUserId} is not in the pod`);

  if (generated) {
    // The person using the app is signed in and available, whatever the seed.
    Object.assign(defaultUser, { chosen: 'AVAILABLE', online: true, idle: false, active: true });
    connections.push(...generateConnections(users, defaultUser, random));
  }
  return { homeTenantId, defaultUserId: defaultUser.id, users, connections };
}
