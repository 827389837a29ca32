export const statements = 'SELECT 1';
