SELECT count(*) FROM sales WHERE Price IS NULL OR Quantity IS NULL
