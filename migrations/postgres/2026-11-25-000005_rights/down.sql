DROP TABLE case_rights;
DROP TABLE right_citations;
DROP TABLE right_publications;
DROP TABLE right_classes;
DROP TABLE rights;
