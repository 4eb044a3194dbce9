// The worker bundles this file: every workflow the marketplace runs is exported here.
export { orderWorkflow } from './order';
export { stockReconciliationWorkflow } from './stock-reconciliation';
export { boughtTogetherWorkflow } from './bought-together';
export { sellerFulfillmentWorkflow } from './seller-fulfillment';
export { sellerOnboardingWorkflow } from './seller-onboarding';
export { flashSaleWorkflow } from './flash-sale';
export { sellerPayoutWorkflow } from './seller-payout';
export { returnWorkflow } from './return';
export { disputeWorkflow } from './dispute';
