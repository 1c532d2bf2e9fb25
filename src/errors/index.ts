export { ERROR_CODES, fixFor, type ErrorCode, type ErrorCodeInfo } from './codes.js';
export { GateError, isGateError, type ErrorDetails } from './gate-error.js';
