DROP TABLE bundle_exhibits;
DROP TABLE bundles;
