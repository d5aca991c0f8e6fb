// Generated from the OneShot API's /openapi.json by openapi-typescript; do not edit (see clients/typescript/README.md).
/* eslint-disable */

export interface paths {
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The process is up. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Liveness"];
                    };
                };
                /** @description Error codes: INTERNAL. */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness: database, Temporal, S3 and inference answer */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Ready for traffic. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Readiness"];
                    };
                };
                /** @description Error codes: INTERNAL. */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description A dependency is down (operators see which at /readyz/details). */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Readiness"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz/details": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Readiness with each dependency’s state (operators)
         * @description Requires `Authorization: Bearer <OPERATOR_TOKEN>`; not served when the server has no operator token.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Ready for traffic. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ReadinessDetails"];
                    };
                };
                /** @description Error codes: UNAUTHORIZED. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: NOT_FOUND. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: INTERNAL. */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description A dependency is down; `failing` names it. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ReadinessDetails"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/register": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create an account
         * @description New accounts start with the configured signup credits. Sign-ups are budgeted per client IP and overall (429 with Retry-After beyond); when the server is busy hashing passwords it answers 503 with Retry-After.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["Credentials"];
                };
            };
            responses: {
                /** @description Signed in. */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AuthSession"];
                    };
                };
                /** @description Error codes: MALFORMED_JSON, BAD_REQUEST, VALIDATION_FAILED. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: EMAIL_TAKEN. */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: PAYLOAD_TOO_LARGE. */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: UNSUPPORTED_MEDIA_TYPE. */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: RATE_LIMITED. */
                429: {
                    headers: {
                        /** @description Seconds to wait. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: INTERNAL. */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: SERVICE_UNAVAILABLE. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign in with email and password
         * @description Throttled per client IP and per account; a locked account answers 429 until its window passes.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["LoginRequest"];
                };
            };
            responses: {
                /** @description Signed in. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AuthSession"];
                    };
                };
                /** @description Error codes: MALFORMED_JSON, BAD_REQUEST, VALIDATION_FAILED. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: INVALID_CREDENTIALS. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: PAYLOAD_TOO_LARGE. */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: UNSUPPORTED_MEDIA_TYPE. */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: RATE_LIMITED. */
                429: {
                    headers: {
                        /** @description Seconds to wait. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: INTERNAL. */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: SERVICE_UNAVAILABLE. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/refresh": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Exchange a refresh token for a new token pair
         * @description Refresh tokens are single use. Presenting a spent one again revokes every token descended from the same login.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["RefreshTokenRequest"];
                };
            };
            responses: {
                /** @description A new pair. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AuthSession"];
                    };
                };
                /** @description Error codes: MALFORMED_JSON, BAD_REQUEST, VALIDATION_FAILED. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: INVALID_REFRESH_TOKEN. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: PAYLOAD_TOO_LARGE. */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: UNSUPPORTED_MEDIA_TYPE. */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: INTERNAL. */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Revoke a refresh token and its whole family
         * @description Idempotent. Access tokens already issued stay valid until they expire.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["RefreshTokenRequest"];
                };
            };
            responses: {
                /** @description Signed out. */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Error codes: MALFORMED_JSON, BAD_REQUEST, VALIDATION_FAILED. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: PAYLOAD_TOO_LARGE. */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: UNSUPPORTED_MEDIA_TYPE. */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: INTERNAL. */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The signed-in user */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The caller. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Me"];
                    };
                };
                /** @description Error codes: UNAUTHORIZED. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: RATE_LIMITED. */
                429: {
                    headers: {
                        /** @description Seconds to wait. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: INTERNAL. */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /**
         * Delete the account and its photos
         * @description Needs the password, or an access token from a login (not a refresh) less than 5 minutes old (403 REAUTHENTICATION_REQUIRED otherwise; wrong passwords count against the login throttle). From the response on, the account is closed: sign-in, refresh and its access tokens are refused. A workflow then cancels its running jobs (refunded as usual), deletes every upload and result, its devices and personal data; the credit ledger and store purchase records are kept, detached from the person, for accounting and store refunds. Store subscriptions are not cancelled: when one is active, `subscription.manage_url` is the store page the app must open. Photos are kept anyway only for a limited time: uploads 1 day after their last job, results 7 days after completion.
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["DeleteAccountRequest"];
                };
            };
            responses: {
                /** @description Closed; deletion under way. */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AccountDeletion"];
                    };
                };
                /** @description Error codes: MALFORMED_JSON, BAD_REQUEST, VALIDATION_FAILED. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: UNAUTHORIZED. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: REAUTHENTICATION_REQUIRED. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: PAYLOAD_TOO_LARGE. */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: UNSUPPORTED_MEDIA_TYPE. */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: RATE_LIMITED. */
                429: {
                    headers: {
                        /** @description Seconds to wait. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: INTERNAL. */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: SERVICE_UNAVAILABLE. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/identity/nonce": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start a sign-in with Apple or Google
         * @description A single-use nonce, valid for 10 minutes: hand `provider_nonce` (its SHA-256) to Apple / Google, then send the token with `nonce` to POST /auth/identity (or /auth/identity/link). Spends from the client IP's login budget.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Issued. */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SignInNonce"];
                    };
                };
                /** @description Error codes: RATE_LIMITED. */
                429: {
                    headers: {
                        /** @description Seconds to wait. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: INTERNAL. */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/identity": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign in with Apple or Google
         * @description Verifies the provider's identity token (signature against the provider's published keys, issuer, audience = the app, expiry) and spends its nonce: the token must carry the SHA-256 of a nonce from POST /auth/identity/nonce, unused and unexpired (401 IDENTITY_NONCE_INVALID otherwise, also for a token without a nonce), so a token signs in once. A known identity signs in (200). A new one creates an account (201) with the signup credits, under the same sign-up budgets as /auth/register. An identity whose email belongs to an existing account is not merged: 409 IDENTITY_EMAIL_IN_USE — sign in to that account and link the provider with POST /auth/identity/link. A closed account gets no session (401 ACCOUNT_CLOSED). A provider the server does not accept answers 503 IDENTITY_PROVIDER_NOT_CONFIGURED.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["IdentityTokenRequest"];
                };
            };
            responses: {
                /** @description Signed in. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AuthSession"];
                    };
                };
                /** @description Account created and signed in. */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AuthSession"];
                    };
                };
                /** @description Error codes: MALFORMED_JSON, BAD_REQUEST, VALIDATION_FAILED. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: IDENTITY_TOKEN_INVALID, IDENTITY_NONCE_INVALID, ACCOUNT_CLOSED. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: IDENTITY_EMAIL_IN_USE, CONFLICT. */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: PAYLOAD_TOO_LARGE. */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: UNSUPPORTED_MEDIA_TYPE. */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: RATE_LIMITED. */
                429: {
                    headers: {
                        /** @description Seconds to wait. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: INTERNAL. */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: IDENTITY_PROVIDER_NOT_CONFIGURED, SERVICE_UNAVAILABLE. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/identity/link": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Link Sign in with Apple or Google to your account
         * @description Needs a password, or an access token from a sign-in (not a refresh) less than 5 minutes old (401 REAUTHENTICATION_REQUIRED otherwise), and a token with a fresh nonce as for POST /auth/identity. After linking, the provider signs in to this account. 409 IDENTITY_ALREADY_LINKED when the identity belongs to another account or this account already has another identity of that provider.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["LinkIdentityRequest"];
                };
            };
            responses: {
                /** @description Linked (also when it already was). */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["LinkedIdentity"];
                    };
                };
                /** @description Error codes: MALFORMED_JSON, BAD_REQUEST, VALIDATION_FAILED. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: UNAUTHORIZED, REAUTHENTICATION_REQUIRED, IDENTITY_TOKEN_INVALID, IDENTITY_NONCE_INVALID. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: IDENTITY_ALREADY_LINKED. */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: PAYLOAD_TOO_LARGE. */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: UNSUPPORTED_MEDIA_TYPE. */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: RATE_LIMITED. */
                429: {
                    headers: {
                        /** @description Seconds to wait. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: INTERNAL. */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: IDENTITY_PROVIDER_NOT_CONFIGURED, SERVICE_UNAVAILABLE. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/identity/{provider}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Unlink Sign in with Apple or Google from your account
         * @description Needs a password, or an access token from a sign-in (not a refresh) less than 5 minutes old (401 REAUTHENTICATION_REQUIRED otherwise). Idempotent. 409 IDENTITY_LAST_SIGN_IN_METHOD when it is the only way an account without a password signs in.
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    provider: "apple" | "google";
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["UnlinkIdentityRequest"];
                };
            };
            responses: {
                /** @description Unlinked (also when it was not linked). */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Error codes: MALFORMED_JSON, BAD_REQUEST, VALIDATION_FAILED. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: UNAUTHORIZED, REAUTHENTICATION_REQUIRED. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: IDENTITY_LAST_SIGN_IN_METHOD. */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: PAYLOAD_TOO_LARGE. */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: UNSUPPORTED_MEDIA_TYPE. */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: RATE_LIMITED. */
                429: {
                    headers: {
                        /** @description Seconds to wait. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: INTERNAL. */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/devices": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Register a push token
         * @description Pushes tell the app a job completed or failed (payload: `job_id`, `status`). Registering a token again refreshes it and keeps its `device_id`; a token another account registered moves to the caller (one install, one account). At most 10 devices per account: registering another forgets the least recently registered. Tokens the push service reports as no longer valid are forgotten.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["RegisterDeviceRequest"];
                };
            };
            responses: {
                /** @description Registered. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Device"];
                    };
                };
                /** @description Error codes: MALFORMED_JSON, BAD_REQUEST, VALIDATION_FAILED. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: UNAUTHORIZED. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: PAYLOAD_TOO_LARGE. */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: UNSUPPORTED_MEDIA_TYPE. */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: RATE_LIMITED. */
                429: {
                    headers: {
                        /** @description Seconds to wait. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: INTERNAL. */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/devices/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Stop pushes to a device (e.g. at sign-out) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Removed. */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Error codes: VALIDATION_FAILED. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: UNAUTHORIZED. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: NOT_FOUND. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: RATE_LIMITED. */
                429: {
                    headers: {
                        /** @description Seconds to wait. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: INTERNAL. */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/uploads/presign": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Get a presigned POST policy for one image
         * @description S3 enforces the policy itself: the exact key, the declared Content-Type, at most `file_size` bytes, and the expiry. A job that uses the upload checks that the object arrived and matches.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["PresignRequest"];
                };
            };
            responses: {
                /** @description Upload now. */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PresignedUpload"];
                    };
                };
                /** @description Error codes: MALFORMED_JSON, BAD_REQUEST, VALIDATION_FAILED. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: UNAUTHORIZED. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: PAYLOAD_TOO_LARGE. */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: UNSUPPORTED_MEDIA_TYPE. */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: RATE_LIMITED. */
                429: {
                    headers: {
                        /** @description Seconds to wait. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: INTERNAL. */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/uploads/{upload_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One of your uploads */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    upload_id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The upload. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Upload"];
                    };
                };
                /** @description Error codes: VALIDATION_FAILED. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: UNAUTHORIZED. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: NOT_FOUND. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: RATE_LIMITED. */
                429: {
                    headers: {
                        /** @description Seconds to wait. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: INTERNAL. */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your jobs, newest first */
        get: {
            parameters: {
                query?: {
                    status?: "pending" | "processing" | "completed" | "failed" | "canceled";
                    limit?: number;
                    /** @description `next_cursor` of the previous page, as it was given (opaque). */
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description One page. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["JobList"];
                    };
                };
                /** @description Error codes: VALIDATION_FAILED. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: UNAUTHORIZED. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: RATE_LIMITED. */
                429: {
                    headers: {
                        /** @description Seconds to wait. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: INTERNAL. */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Start a job
         * @description Reserves the credits before answering: 402 INSUFFICIENT_CREDITS leaves no job behind. Send an `Idempotency-Key` header (1–255 printable ASCII characters) to make retries safe: the same key with the same request returns the same job and never charges twice; the same key with a different request is refused (422 IDEMPOTENCY_KEY_REUSED). When no worker can admit the job in time (JOB_ADMISSION_TIMEOUT, 10 s by default) the answer is 503 SERVICE_UNAVAILABLE with `Retry-After`, and nothing is reserved then or later: retry with the same `Idempotency-Key`. Price: the sum of the steps the job runs: a ×2 upscale 1 credit, a ×4 upscale 2, a face restoration 1, a face swap 2 (so `upscale` with `face_enhance` adds 1, and a restoration with `scale_factor` adds the upscale). An upscale step costs its credits again for every further 2 megapixels of input, and ×2 with `realesrgan-x4plus`. An upscale that names no model records (and is priced by) the model the inference workers run by default. A job type or model no inference worker offers is refused with 422 MODEL_UNAVAILABLE before anything is charged. The upload must be a readable JPEG, PNG or WebP image (422 UPLOAD_NOT_IMAGE otherwise, before anything is charged). Faces are looked for first: a restoration or swap without a face fails NO_FACE_FOUND before anything expensive runs, and is refunded. A job not started by a worker within its queueing deadline fails NO_CAPACITY; one that outlives its lifetime fails DEADLINE_EXCEEDED; both are refunded.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["CreateJobRequest"];
                };
            };
            responses: {
                /** @description Accepted; poll `Location` or GET /jobs/{id}/events. */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["JobAccepted"];
                    };
                };
                /** @description Error codes: MALFORMED_JSON, BAD_REQUEST, VALIDATION_FAILED, IDEMPOTENCY_KEY_INVALID. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: UNAUTHORIZED, ACCOUNT_CLOSED. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: INSUFFICIENT_CREDITS. */
                402: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: NOT_FOUND. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: PAYLOAD_TOO_LARGE. */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: UNSUPPORTED_MEDIA_TYPE. */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: UPLOAD_MISSING, UPLOAD_MISMATCH, UPLOAD_NOT_IMAGE, IDEMPOTENCY_KEY_REUSED, MODEL_UNAVAILABLE. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: RATE_LIMITED, JOBS_IN_FLIGHT_LIMIT. */
                429: {
                    headers: {
                        /** @description Seconds to wait. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: INTERNAL. */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: SERVICE_UNAVAILABLE. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One job, with progress and (once completed) a result URL
         * @description A result is kept 7 days after completion; then the job answers 410 RESULT_EXPIRED.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The job. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Job"];
                    };
                };
                /** @description Error codes: VALIDATION_FAILED. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: UNAUTHORIZED. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: NOT_FOUND. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: RESULT_EXPIRED. */
                410: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: RATE_LIMITED. */
                429: {
                    headers: {
                        /** @description Seconds to wait. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: INTERNAL. */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel a pending or processing job (its credits are refunded) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The job after cancellation (or as it finished, if it finished first). */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Job"];
                    };
                };
                /** @description Cancellation is under way but not finished yet; follow the job to see it end. */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Job"];
                    };
                };
                /** @description Error codes: VALIDATION_FAILED. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: UNAUTHORIZED. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: NOT_FOUND. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: JOB_NOT_CANCELABLE. */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: RATE_LIMITED. */
                429: {
                    headers: {
                        /** @description Seconds to wait. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: INTERNAL. */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: SERVICE_UNAVAILABLE. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/{id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Live progress as Server-Sent Events
         * @description Emits a `job` event (the Job object) on every change, and closes after the final state. Concurrent streams are capped per user and per server (429 TOO_MANY_STREAMS beyond).
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description An event stream of `job` events. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/event-stream": unknown;
                    };
                };
                /** @description Error codes: VALIDATION_FAILED. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: UNAUTHORIZED. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: NOT_FOUND. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: RATE_LIMITED, TOO_MANY_STREAMS. */
                429: {
                    headers: {
                        /** @description Seconds to wait. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: INTERNAL. */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/billing/validate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Validate a store purchase and credit it to your account
         * @description Verifies the purchase with the App Store or Google Play and grants its credits once per store transaction. Presenting the same purchase again returns the same answer and adds nothing. A purchase the app bound to another account (appAccountToken / obfuscatedAccountId) is refused with 409 PURCHASE_ACCOUNT_MISMATCH; one without that binding that another account already holds answers 409 TRANSACTION_CLAIMED (or moves to the caller, when the server is configured to transfer purchases).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["ValidateReceiptRequest"];
                };
            };
            responses: {
                /** @description The purchase is valid. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ValidateReceiptResponse"];
                    };
                };
                /** @description Error codes: MALFORMED_JSON, BAD_REQUEST, VALIDATION_FAILED. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: UNAUTHORIZED. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: TRANSACTION_CLAIMED, PURCHASE_ACCOUNT_MISMATCH. */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: PAYLOAD_TOO_LARGE. */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: UNSUPPORTED_MEDIA_TYPE. */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: RECEIPT_INVALID, RECEIPT_WRONG_APP, RECEIPT_WRONG_ENVIRONMENT, PRODUCT_UNKNOWN, PRODUCT_MISMATCH, PURCHASE_NOT_COMPLETED, PURCHASE_REVOKED. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: RATE_LIMITED. */
                429: {
                    headers: {
                        /** @description Seconds to wait. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: INTERNAL. */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: STORE_NOT_CONFIGURED, STORE_UNAVAILABLE. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/billing/apple/notifications": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * App Store Server Notifications V2
         * @description The signed payload is verified against the App Store chain; each notificationUUID is acted on once.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        signedPayload: string;
                    };
                };
            };
            responses: {
                /** @description Accepted. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["WebhookResponse"];
                    };
                };
                /** @description Error codes: MALFORMED_JSON, BAD_REQUEST, VALIDATION_FAILED. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: PAYLOAD_TOO_LARGE. */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: UNSUPPORTED_MEDIA_TYPE. */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: RECEIPT_INVALID, RECEIPT_WRONG_APP, RECEIPT_WRONG_ENVIRONMENT. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: INTERNAL. */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: STORE_NOT_CONFIGURED, STORE_UNAVAILABLE. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/billing/google/notifications": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Google Play real-time developer notifications (Pub/Sub push)
         * @description Requires the push's Google-signed OIDC token; each Pub/Sub message id is acted on once.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        message: {
                            data: string;
                            messageId: string;
                        } & {
                            [key: string]: unknown;
                        };
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
            responses: {
                /** @description Accepted. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["WebhookResponse"];
                    };
                };
                /** @description Error codes: MALFORMED_JSON, BAD_REQUEST, VALIDATION_FAILED. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: UNAUTHORIZED. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: PAYLOAD_TOO_LARGE. */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: UNSUPPORTED_MEDIA_TYPE. */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: INTERNAL. */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: STORE_NOT_CONFIGURED, STORE_UNAVAILABLE. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/billing/superwall/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Superwall webhook events
         * @description Verified with the endpoint signing secret (`svix-id`, `svix-timestamp`, `svix-signature`; timestamps older than five minutes are refused) and acted on once per event id. Purchases and renewals grant their credits once per store transaction, also when the same purchase arrives from the store or /billing/validate; refunds claw back, and a refund that arrives before its purchase is kept and wins; other and unknown event types are recorded and acknowledged. The status says what the delivery did.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        [key: string]: unknown;
                    };
                };
            };
            responses: {
                /** @description Accepted. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["WebhookResponse"];
                    };
                };
                /** @description Error codes: MALFORMED_JSON, BAD_REQUEST, VALIDATION_FAILED, WEBHOOK_SIGNATURE_INVALID. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: PAYLOAD_TOO_LARGE. */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: UNSUPPORTED_MEDIA_TYPE. */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: INTERNAL. */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: STORE_NOT_CONFIGURED. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/billing/stripe/checkout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Open a Stripe Checkout session for a credit pack
         * @description The session is bound to the caller; its credits are added once Stripe reports the payment (webhook), and taken back if the payment is refunded or lost in a dispute. Poll /auth/me for the balance after returning.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["CheckoutRequest"];
                };
            };
            responses: {
                /** @description The checkout session. */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CheckoutResponse"];
                    };
                };
                /** @description Error codes: MALFORMED_JSON, BAD_REQUEST, VALIDATION_FAILED. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: UNAUTHORIZED. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: PAYLOAD_TOO_LARGE. */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: UNSUPPORTED_MEDIA_TYPE. */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: PRODUCT_UNKNOWN. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: RATE_LIMITED. */
                429: {
                    headers: {
                        /** @description Seconds to wait. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: INTERNAL. */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: STORE_NOT_CONFIGURED, STORE_UNAVAILABLE. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/billing/stripe/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Stripe webhook events
         * @description Verified with the endpoint signing secret (`Stripe-Signature`, five-minute tolerance) and acted on once per event id: `checkout.session.completed` / `checkout.session.async_payment_succeeded` (paid) grant the pack once; `charge.refunded` (full refund) and `charge.dispute.closed` (lost) claw it back, also when they arrive before the payment (the payment then grants nothing); partial refunds are recorded for an operator; other events are recorded. The status says what the delivery did.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        [key: string]: unknown;
                    };
                };
            };
            responses: {
                /** @description Accepted. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["WebhookResponse"];
                    };
                };
                /** @description Error codes: MALFORMED_JSON, BAD_REQUEST, VALIDATION_FAILED, WEBHOOK_SIGNATURE_INVALID. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: PAYLOAD_TOO_LARGE. */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: UNSUPPORTED_MEDIA_TYPE. */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: INTERNAL. */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Error codes: STORE_NOT_CONFIGURED. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This API as an OpenAPI 3.1 document */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The document. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            openapi: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Error codes: INTERNAL. */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/docs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Human-readable API reference */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description An HTML page. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/html": unknown;
                    };
                };
                /** @description Error codes: INTERNAL. */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        Liveness: {
            /** @enum {string} */
            status: "ok";
        };
        /** @description The body of every failed request. */
        Error: {
            error: {
                /**
                 * @description Stable; clients switch on it.
                 * @enum {string}
                 */
                code: "BAD_REQUEST" | "VALIDATION_FAILED" | "MALFORMED_JSON" | "PAYLOAD_TOO_LARGE" | "UNSUPPORTED_MEDIA_TYPE" | "UNAUTHORIZED" | "INVALID_CREDENTIALS" | "INVALID_REFRESH_TOKEN" | "FORBIDDEN" | "NOT_FOUND" | "METHOD_NOT_ALLOWED" | "CONFLICT" | "EMAIL_TAKEN" | "INSUFFICIENT_CREDITS" | "ACCOUNT_CLOSED" | "UPLOAD_MISSING" | "UPLOAD_MISMATCH" | "UPLOAD_NOT_IMAGE" | "MODEL_UNAVAILABLE" | "JOBS_IN_FLIGHT_LIMIT" | "JOB_NOT_CANCELABLE" | "IDEMPOTENCY_KEY_INVALID" | "IDEMPOTENCY_KEY_REUSED" | "TOO_MANY_STREAMS" | "REAUTHENTICATION_REQUIRED" | "RESULT_EXPIRED" | "RATE_LIMITED" | "SERVICE_UNAVAILABLE" | "RECEIPT_INVALID" | "RECEIPT_WRONG_APP" | "RECEIPT_WRONG_ENVIRONMENT" | "PRODUCT_UNKNOWN" | "PRODUCT_MISMATCH" | "PURCHASE_NOT_COMPLETED" | "PURCHASE_REVOKED" | "TRANSACTION_CLAIMED" | "PURCHASE_ACCOUNT_MISMATCH" | "STORE_NOT_CONFIGURED" | "STORE_UNAVAILABLE" | "WEBHOOK_SIGNATURE_INVALID" | "IDENTITY_TOKEN_INVALID" | "IDENTITY_PROVIDER_NOT_CONFIGURED" | "IDENTITY_EMAIL_IN_USE" | "IDENTITY_ALREADY_LINKED" | "IDENTITY_NONCE_INVALID" | "IDENTITY_LAST_SIGN_IN_METHOD" | "INTERNAL";
                /** @description Human-readable; safe to show. */
                message: string;
                /** @description Echoes X-Request-Id; quote it when reporting a problem. */
                request_id: string;
                details?: unknown;
            };
        };
        Readiness: {
            /** @enum {string} */
            status: "ready" | "unavailable";
        };
        ReadinessDetails: {
            /** @enum {string} */
            status: "ready" | "unavailable";
            /** Format: date-time */
            checked_at: string;
            failing: string[];
            checks: {
                [key: string]: {
                    ok: boolean;
                    detail?: unknown;
                    error?: string;
                };
            };
        };
        AuthSession: {
            /** @description Send as `Authorization: Bearer <token>`. */
            access_token: string;
            /** @enum {string} */
            token_type: "bearer";
            /** @description Access token lifetime in seconds. */
            expires_in: number;
            /** @description Single use: POST it to /auth/refresh for a new pair. */
            refresh_token: string;
            user: components["schemas"]["UserSummary"];
        };
        UserSummary: {
            /** Format: uuid */
            id: string;
            email: string;
            credits: number;
        };
        Credentials: {
            /** @example user@example.com */
            email: string;
            password: string;
        };
        LoginRequest: {
            /** @example user@example.com */
            email: string;
            password: string;
        };
        RefreshTokenRequest: {
            refresh_token: string;
        };
        Me: {
            /** Format: uuid */
            id: string;
            email: string;
            credits: number;
            /** @enum {string} */
            subscription_status: "inactive" | "active" | "grace_period" | "billing_retry" | "expired" | "revoked";
            /** Format: date-time */
            created_at: string;
        };
        SignInNonce: {
            /** @description Send it back with the provider token (POST /auth/identity or /auth/identity/link). */
            nonce: string;
            /** @description Its SHA-256 (hex): hand this to Apple / Google as the sign-in's nonce. */
            provider_nonce: string;
            /** @description Seconds the nonce stays valid; it signs in once. */
            expires_in: number;
        };
        IdentityTokenRequest: {
            /** @enum {string} */
            provider: "apple" | "google";
            /** @description The provider's identity token (a JWT). */
            id_token: string;
            /** @description The nonce from POST /auth/identity/nonce; the token must carry its SHA-256 (hex). Each nonce signs in once. */
            nonce: string;
        };
        LinkedIdentity: {
            /** @enum {string} */
            provider: "apple" | "google";
            /** @enum {boolean} */
            linked: true;
        };
        LinkIdentityRequest: {
            /** @enum {string} */
            provider: "apple" | "google";
            /** @description The provider's identity token (a JWT). */
            id_token: string;
            /** @description The nonce from POST /auth/identity/nonce; the token must carry its SHA-256 (hex). Each nonce signs in once. */
            nonce: string;
            /** @description Required unless the access token comes from a recent sign-in. */
            password?: string;
        };
        UnlinkIdentityRequest: {
            /** @description Required unless the access token comes from a recent sign-in. */
            password?: string;
        };
        AccountDeletion: {
            /**
             * @description The account is closed; its data is being deleted.
             * @enum {string}
             */
            status: "deleting";
            /** @description An App Store or Google Play subscription that still renews: deleting the account does not cancel it. */
            subscription: {
                /** @enum {string} */
                store: "apple" | "google";
                /**
                 * Format: uri
                 * @description Open it: the store's own page, where the user cancels the subscription.
                 */
                manage_url: string;
            } | null;
        };
        DeleteAccountRequest: {
            /** @description Required unless the access token comes from a recent login. */
            password?: string;
        };
        Device: {
            /** Format: uuid */
            device_id: string;
            /** @enum {string} */
            platform: "ios" | "android";
            /** @enum {string|null} */
            apns_environment: "sandbox" | "production" | null;
            /** Format: date-time */
            registered_at: string;
        };
        RegisterDeviceRequest: {
            /** @enum {string} */
            platform: "ios";
            /** @description The push token as the OS gave it. */
            token: string;
            /**
             * @description Where the app was built for: development builds get sandbox tokens.
             * @enum {string}
             */
            apns_environment: "sandbox" | "production";
        } | {
            /** @enum {string} */
            platform: "android";
            /** @description The push token as the OS gave it. */
            token: string;
        };
        PresignedUpload: {
            /**
             * Format: uri
             * @description POST a multipart/form-data request here.
             */
            presigned_url: string;
            /** @enum {string} */
            method: "POST";
            /** @description Send every field, in any order, before a final `file` part carrying the bytes. */
            fields: {
                [key: string]: string;
            };
            /**
             * Format: uuid
             * @description Reference it when creating a job.
             */
            upload_id: string;
            /** @description Seconds the policy stays valid. */
            expires_in: number;
        };
        PresignRequest: {
            /** @example selfie.jpg */
            filename: string;
            /** @enum {string} */
            content_type: "image/jpeg" | "image/png" | "image/webp";
            /** @description Bytes; the upload may not exceed it. */
            file_size: number;
        };
        Upload: {
            /** Format: uuid */
            upload_id: string;
            /** @enum {string} */
            status: "pending" | "verified";
            filename: string;
            content_type: string;
            /** @description Declared size; the stored object may be smaller, never larger. */
            file_size: number;
            /** Format: date-time */
            created_at: string;
        };
        JobAccepted: {
            /** Format: uuid */
            job_id: string;
            /** @enum {string} */
            status: "pending" | "processing" | "completed" | "failed" | "canceled";
            /** @description Seconds, roughly. */
            estimated_time: number;
            credits_cost: number;
        };
        CreateJobRequest: ({
            /** @enum {string} */
            job_type: "upscale";
            /**
             * Format: uuid
             * @description An `upload_id` from POST /uploads/presign.
             */
            input?: string;
            /** @description Accepted only when it names one of the caller's own uploads (never fetched). */
            input_image_url?: string;
            /** @default {} */
            parameters: {
                /**
                 * @description Upscaler: quality (`realesrgan-x4plus`), speed (`realesrgan-x4fast`) or tiny (`esrgan-slim`); default: the worker's (quality on GPU, speed on CPU).
                 * @enum {string}
                 */
                model?: "realesrgan-x4plus" | "realesrgan-x4fast" | "esrgan-slim";
                /** @default 2 */
                scale_factor?: 2 | 4;
                /**
                 * @description Also restore the faces (GFPGAN) after the main step; priced as a restoration.
                 * @default false
                 */
                face_enhance?: boolean;
            };
        } | unknown | unknown) | ({
            /** @enum {string} */
            job_type: "face_restoration";
            /**
             * Format: uuid
             * @description An `upload_id` from POST /uploads/presign.
             */
            input?: string;
            /** @description Accepted only when it names one of the caller's own uploads (never fetched). */
            input_image_url?: string;
            /** @default {} */
            parameters: {
                /**
                 * @default gfpgan
                 * @enum {string}
                 */
                model?: "gfpgan" | "codeformer" | "custom_lora";
                /**
                 * @description CodeFormer only: 0 = strongest restoration, 1 = closest to the input.
                 * @default 0.5
                 */
                fidelity?: number;
                /** @description Also upscale the whole photo (priced as an upscale). */
                scale_factor?: 2 | 4;
                /**
                 * @description The upscaler for `scale_factor` (priced by it, as an upscale's `model`); default: the inference workers'.
                 * @enum {string}
                 */
                upscale_model?: "realesrgan-x4plus" | "realesrgan-x4fast" | "esrgan-slim";
                /** @description Accepted for the parameter shape the jobs share; a restoration always restores faces, so it changes nothing and costs nothing. */
                face_enhance?: boolean;
            };
        } | unknown | unknown) | ({
            /** @enum {string} */
            job_type: "face_swap";
            /**
             * Format: uuid
             * @description An `upload_id` from POST /uploads/presign.
             */
            input?: string;
            /** @description Accepted only when it names one of the caller's own uploads (never fetched). */
            input_image_url?: string;
            /**
             * Format: uuid
             * @description The photo whose faces are replaced by the face in `input`.
             */
            target?: string;
            /** @description Accepted only when it names one of the caller's own uploads (never fetched). */
            target_image_url?: string;
            /** @default {} */
            parameters: {
                /**
                 * @description Also restore the faces (GFPGAN) after the main step; priced as a restoration.
                 * @default false
                 */
                face_enhance?: boolean;
                /**
                 * @description Which faces of the target photo are replaced.
                 * @default all
                 * @enum {string}
                 */
                face_selection?: "all" | "largest";
            };
        } & ((unknown | unknown) & (unknown | unknown)));
        JobList: {
            jobs: components["schemas"]["Job"][];
            next_cursor: string | null;
        };
        Job: {
            /** Format: uuid */
            job_id: string;
            /** @enum {string} */
            job_type: "face_restoration" | "face_swap" | "upscale";
            /** @enum {string} */
            status: "pending" | "processing" | "completed" | "failed" | "canceled";
            progress: number;
            stage: string | null;
            parameters: {
                [key: string]: unknown;
            };
            credits_cost: number;
            /**
             * Format: uri
             * @description Short-lived presigned GET, once completed.
             */
            result_url: string | null;
            /** @enum {string|null} */
            error_code: "INSUFFICIENT_CREDITS" | "ACCOUNT_CLOSED" | "NO_FACE_FOUND" | "UNSUPPORTED_IMAGE" | "IMAGE_TOO_LARGE" | "MODEL_UNAVAILABLE" | "INVALID_PARAMETERS" | "INFERENCE_FAILED" | "NO_CAPACITY" | "DEADLINE_EXCEEDED" | "ABANDONED" | "CANCELED" | "INTERNAL" | null;
            error_message: string | null;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            completed_at: string | null;
        };
        ValidateReceiptResponse: {
            /** @enum {boolean} */
            valid: true;
            /** @description Credits this purchase earned; the same on a replay, which adds nothing. */
            credits_added: number;
            /** @enum {string} */
            subscription_status: "inactive" | "active" | "grace_period" | "billing_retry" | "expired" | "revoked";
            /** Format: date-time */
            expires_at: string | null;
        };
        ValidateReceiptRequest: {
            /** @enum {string} */
            platform: "ios" | "android";
            /** @description iOS: a StoreKit 2 signed transaction (JWS; buy with `appAccountToken` = your user id) or a legacy base64 receipt. Android: the purchase token (buy with `obfuscatedAccountId` = your user id). */
            receipt_data: string;
            product_id: string;
            /** @description iOS: must match the receipt when given. */
            transaction_id?: string;
        };
        WebhookResponse: {
            /** @enum {string} */
            status: "granted" | "revoked" | "recorded_for_later" | "updated" | "duplicate" | "ignored";
            /** @description Why nothing changed, when nothing did. */
            reason?: string;
        };
        CheckoutResponse: {
            session_id: string;
            /** @description Open it in the browser: Stripe's hosted checkout page. */
            url: string | null;
        };
        CheckoutRequest: {
            /** @description A credit pack of the catalog sold on the web. */
            product_id: string;
            /** @description Repeat it when retrying the same purchase: the same checkout session comes back instead of a second one. */
            idempotency_key?: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
