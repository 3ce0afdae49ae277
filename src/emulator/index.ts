/**
 * A local stand-in for Synctera's "Initiate Document Verification Session" endpoint, for
 * development, tests and benchmarks. Sessions it creates are not real verifications.
 */
export { UNKNOWN_CUSTOMER_ID_PREFIX } from './customers';
export { MAX_BODY_BYTES, startEmulator } from './emulator';
export {
  DEFAULT_SESSION_PATH,
  type Emulator,
  type EmulatorFault,
  type EmulatorOptions,
  type RecordedRequest,
} from './types';
