import { z } from 'zod';

const email = z.string().trim().email().max(254);
const password = z.string().min(10, 'at least 10 characters').max(200);

export const registerBody = z
  .object({ email, password, role: z.enum(['buyer', 'seller']), name: z.string().trim().min(1).max(120) })
  .strict()
  .openapi('Register');

export const loginBody = z
  .object({ email, password: z.string().min(1).max(200) })
  .strict()
  .openapi('Login');

export const sessionView = z
  .object({
    token: z.string(),
    expiresIn: z.number().int(),
    userId: z.string(),
    role: z.enum(['buyer', 'seller', 'ops']),
    sellerId: z.string().optional(),
  })
  .openapi('Session');
