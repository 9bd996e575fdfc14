-- The office's signing keys (issue 19): kept here so that every app server signs with the same
-- one. The newest generation is current; rotating closes its validity and adds the next. Old
-- keys stay, published, so that every bundle ever signed can still be checked.
CREATE TABLE office_keys (
    id BIGSERIAL PRIMARY KEY,
    -- 1 for the first key, then 2, 3 …: two servers making the first key at once cannot both
    -- insert generation 1, so the loser reads the winner's.
    generation INTEGER NOT NULL UNIQUE,
    -- Hex SHA-256 of the raw public key, as written into every bundle's bag-info.txt.
    fingerprint TEXT NOT NULL UNIQUE,
    -- The raw Ed25519 public key, hex.
    public_key TEXT NOT NULL,
    -- The private key sealed with ChaCha20-Poly1305 under the installation's key_secret (the
    -- fingerprint is its associated data): hex of the nonce, then the ciphertext and tag.
    sealed_private_key TEXT NOT NULL,
    valid_from TIMESTAMP NOT NULL,
    -- Set when the next generation takes over; NULL while the key is current.
    valid_until TIMESTAMP,
    -- The administrator who made it; NULL when the system did (first start, the command line).
    created_by BIGINT REFERENCES users (id)
);
