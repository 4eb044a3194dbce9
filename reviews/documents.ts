/** A buyer's review of one item of one delivered order; its _id (order, product) makes it one per item. */
export interface ReviewDoc {
  _id: string;
  productId: string;
  sellerId: string;
  orderId: string;
  customerId: string;
  sku: string;
  rating: number;
  title?: string;
  text: string;
  authorName: string;
  /** Set by ops moderation; hidden reviews leave the product's rating and the public list. */
  hidden: boolean;
  moderation?: { by: string; reason?: string; at: Date };
  createdAt: Date;
  updatedAt: Date;
}
