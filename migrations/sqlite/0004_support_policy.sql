-- Per-repository support policy (PRODUCT.md §2); the 0.x rule is zero_major_lines.
ALTER TABLE repositories ADD COLUMN security_months INTEGER NOT NULL DEFAULT 6
    CHECK (security_months BETWEEN 0 AND 120);
ALTER TABLE repositories ADD COLUMN supported_lines INTEGER NOT NULL DEFAULT 2
    CHECK (supported_lines BETWEEN 1 AND 10);
