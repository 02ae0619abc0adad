SELECT count(*) FROM sales
