// Account records live in accounts/; this path is kept for the API's start-up and the test support that
// name it. New code imports accounts/ directly.
export { newUserId, normalizeEmail, sellerIdFor } from '../../accounts/account-ids';
export { ensureOpsAccount } from '../../accounts/ops-account';
