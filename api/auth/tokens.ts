// Session tokens and the principal they carry live in accounts/ (the cart and other capabilities need
// them, and they may not import the API). This path is kept for code written against it on the other
// redesign branches; new code imports accounts/principal and accounts/session-tokens.
export type { Principal, Role } from '../../accounts/principal';
export {
  type TokenKeys,
  issueToken,
  tokenKeys,
  tokenKeysOf,
  verifyToken,
} from '../../accounts/session-tokens';
