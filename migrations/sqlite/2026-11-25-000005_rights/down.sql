DROP TRIGGER rights_search_update;
DROP TRIGGER rights_search_delete;
DROP TRIGGER rights_search_insert;
DROP TABLE rights_search;
DROP TABLE case_rights;
DROP TABLE right_citations;
DROP TABLE right_classes;
DROP TABLE rights;
