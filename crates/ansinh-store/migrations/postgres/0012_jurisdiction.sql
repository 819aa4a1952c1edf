-- A database belongs to one jurisdiction (issue 17), chosen when it is created: its law, its
-- currency and its registry's identifiers. One row; a database that had none when this table
-- came is Vietnam's, the only jurisdiction it could have held.
CREATE TABLE deployment (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    jurisdiction TEXT NOT NULL,
    created_at TEXT NOT NULL
);
