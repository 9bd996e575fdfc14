-- Sign-in counters gain two scopes: an account tried from one address (`pair`) and a browser
-- that signed in before (`device`). The counters are transient (each lasts an hour at most),
-- so the table is made again, empty, rather than rebuilt around the new CHECK.
DROP TABLE login_throttle;
CREATE TABLE login_throttle (
    scope TEXT NOT NULL CHECK (scope IN ('account', 'address', 'reset', 'register', 'pair', 'device')),
    subject TEXT NOT NULL,
    failures INTEGER NOT NULL,
    window_start TIMESTAMP NOT NULL,
    last_failure_at TIMESTAMP NOT NULL,
    PRIMARY KEY (scope, subject)
);
