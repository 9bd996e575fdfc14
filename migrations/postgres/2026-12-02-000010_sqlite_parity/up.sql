-- Schema parity (issue 16): the SQLite tree rebuilds five tables to declare them as this tree
-- always has. Nothing changes here; the pair keeps the two trees' migration names the same.
SELECT 1;
