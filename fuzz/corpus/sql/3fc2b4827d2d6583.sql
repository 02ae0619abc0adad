SELECT DISTINCT Country, Date FROM sales
