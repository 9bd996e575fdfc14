DROP TABLE office_keys;
