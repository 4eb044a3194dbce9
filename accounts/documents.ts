// Stored shapes of this capability's collections (wired in integrations/collections.ts). Only domain
// rules and other stored shapes are imported here, so the database wiring can name them without a loop.

export interface UserDoc {
  _id: string;
  email: string;
  role: 'buyer' | 'seller' | 'ops';
  name: string;
  passwordHash: string;
  sellerId?: string;
  createdAt: Date;
}
