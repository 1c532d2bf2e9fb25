// The admin API's public surface.
export { createAdminApi, type AdminApi, type AdminApiOptions } from './admin-api.js';
export { hardenAdminServer } from './guards.js';
export { DEFAULT_SYNC_RATE_LIMIT, type RateLimit } from './rate-limit.js';
