-- xmin and xmax are PostgreSQL system columns: the box edges get names both engines accept.
ALTER TABLE "Box" RENAME COLUMN "xmin" TO "x_min";
ALTER TABLE "Box" RENAME COLUMN "ymin" TO "y_min";
ALTER TABLE "Box" RENAME COLUMN "xmax" TO "x_max";
ALTER TABLE "Box" RENAME COLUMN "ymax" TO "y_max";
