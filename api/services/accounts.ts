import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Ledger } from '../../db/ledger.js';
import type { UserSubscriptionStatus } from '../../domain/billing/status.js';
import type { ApiConfig } from '../../domain/config/index.js';
import { AppError, ErrorCode } from '../../domain/errors.js';
import type { Logger } from '../../integrations/logger.js';
import { signAccessToken, type AccessToken, type AccessTokenConfig } from './access-tokens.js';
import type { LoginThrottle } from './login-throttle.js';
import type { PasswordHasher } from './passwords.js';
import { RefreshTokens } from './refresh-tokens.js';
import type { RegistrationThrottle } from './registration-throttle.js';

export type AccountConfig = AccessTokenConfig & Pick<ApiConfig, 'DEFAULT_CREDITS' | 'REFRESH_TOKEN_TTL_DAYS'>;

export interface Credentials {
  email: string;
  password: string;
}

export interface Session {
  accessToken: AccessToken;
  refreshToken: string;
  user: { id: string; email: string; credits: number };
}

export interface Profile {
  id: string;
  email: string;
  credits: number;
  subscriptionStatus: UserSubscriptionStatus;
  createdAt: Date;
}

interface ProfileRow {
  id: string;
  email: string;
  credits: number;
  subscription_status: UserSubscriptionStatus;
  created_at: Date;
}

interface UserRow {
  id: string;
  email: string;
  password_hash: string | null;
  credits: number;
}

/** Registration, login and token refresh; each call takes the request's entity manager. */
export class Accounts {
  constructor(
    private readonly config: AccountConfig,
    private readonly guards: { login: LoginThrottle; registration: RegistrationThrottle; passwords: PasswordHasher },
  ) {}

  /**
   * Creates the user with the signup bonus (DEFAULT_CREDITS, none when 0) in one transaction; 409 EMAIL_TAKEN
   * (case-insensitive). Budgets per client IP and overall are spent before any hashing (429 beyond them).
   */
  async register(em: EntityManager, credentials: Credentials, clientIp: string): Promise<Session> {
    const email = normalizeEmail(credentials.email);
    await this.guards.registration.beforeAttempt(clientIp);
    const passwordHash = await this.guards.passwords.hash(credentials.password);
    return this.createAccount(em, email, passwordHash);
  }

  /**
   * First sign-in with a provider identity (Sign in with Apple / Google): an account without a password, under
   * the same sign-up budgets and with the same signup bonus; `linkIdentity` runs in its transaction.
   */
  async registerWithIdentity(
    em: EntityManager,
    email: string,
    clientIp: string,
    linkIdentity: (tx: EntityManager, userId: string) => Promise<void>,
  ): Promise<Session> {
    await this.guards.registration.beforeAttempt(clientIp);
    return this.createAccount(em, normalizeEmail(email), null, linkIdentity);
  }

  /** A session for an account whose identity was verified otherwise (a provider's identity token); never a closed one's. */
  async signInAs(em: EntityManager, userId: string): Promise<Session> {
    const user = await this.sessionUser(em, userId);
    if (!user) throw new AppError(401, ErrorCode.ACCOUNT_CLOSED, 'This account has been deleted.');
    return this.startSession(em, user);
  }

  /** 401 INVALID_CREDENTIALS for an unknown email and a wrong password alike, after the same work. */
  async login(em: EntityManager, credentials: Credentials, clientIp: string): Promise<Session> {
    const email = normalizeEmail(credentials.email);
    await this.guards.login.beforeAttempt(clientIp, email);
    const [user] = await em.execute<UserRow[]>(
      `select id, email, password_hash, credits from users where lower(email) = ? and deleted_at is null`,
      [email],
    );
    // Accounts created by Sign in with Apple / Google have no password: verified like an unknown email.
    if (!(await this.guards.passwords.verify(user?.password_hash ?? undefined, credentials.password)) || !user) {
      await this.guards.login.failed(email);
      throw new AppError(401, ErrorCode.INVALID_CREDENTIALS, 'The email or password is incorrect.');
    }
    await this.guards.login.succeeded(email);
    return this.startSession(em, { id: user.id, email: user.email, credits: user.credits });
  }

  /** Exchanges a refresh token for a new pair (see RefreshTokens for reuse handling). */
  async refresh(em: EntityManager, refreshToken: string, logger: Logger): Promise<Session> {
    const rotated = await this.refreshTokens(em).rotate(refreshToken, logger);
    const session = await this.sessionUser(em, rotated.userId);
    if (!session) throw new AppError(401, ErrorCode.INVALID_REFRESH_TOKEN, 'The refresh token is not valid; log in again.');
    return { accessToken: signAccessToken(this.config, session), refreshToken: rotated.token, user: session };
  }

  /** The signed-in user as `/auth/me` shows them; null when the account no longer exists. */
  async profile(em: EntityManager, userId: string): Promise<Profile | null> {
    const [row] = await em.execute<ProfileRow[]>(
      `select id, email, credits, subscription_status, created_at from users where id = ?`,
      [userId],
    );
    if (!row) return null;
    return { id: row.id, email: row.email, credits: row.credits, subscriptionStatus: row.subscription_status, createdAt: new Date(row.created_at) };
  }

  logout(em: EntityManager, refreshToken: string): Promise<void> {
    return this.refreshTokens(em).revokeFamily(refreshToken);
  }

  /** The user with the signup bonus (DEFAULT_CREDITS, none when 0) in one transaction; 409 EMAIL_TAKEN. */
  private createAccount(
    em: EntityManager,
    email: string,
    passwordHash: string | null,
    inTransaction?: (tx: EntityManager, userId: string) => Promise<void>,
  ): Promise<Session> {
    return em.transactional(async (tx) => {
      const id = randomUUID();
      // Conflicts with the unique index on lower(email), also when two registrations race.
      const [inserted] = await tx.execute<{ id: string }[]>(
        `insert into users (id, email, password_hash, credits) values (?, ?, ?, 0) on conflict do nothing returning id`,
        [id, email, passwordHash],
      );
      if (!inserted) throw new AppError(409, ErrorCode.EMAIL_TAKEN, 'An account with this email already exists.');
      await inTransaction?.(tx, id);
      const credits =
        this.config.DEFAULT_CREDITS > 0
          ? (await new Ledger(tx).grant(id, this.config.DEFAULT_CREDITS, 'signup_bonus', id)).balance
          : 0;
      return this.startSession(tx, { id, email, credits });
    });
  }

  /** The user a session carries; null when the account no longer exists or has been closed: no session for it. */
  private async sessionUser(em: EntityManager, userId: string): Promise<Session['user'] | null> {
    const [user] = await em.execute<UserRow[]>(`select id, email, credits from users where id = ? and deleted_at is null`, [userId]);
    return user ? { id: user.id, email: user.email, credits: user.credits } : null;
  }

  private async startSession(em: EntityManager, user: Session['user']): Promise<Session> {
    const refreshToken = await this.refreshTokens(em).issue(user.id);
    return { accessToken: signAccessToken(this.config, user, new Date()), refreshToken, user };
  }

  private refreshTokens(em: EntityManager): RefreshTokens {
    return new RefreshTokens(em, this.config.REFRESH_TOKEN_TTL_DAYS);
  }
}

function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
