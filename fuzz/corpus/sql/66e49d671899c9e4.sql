SELECT count(DISTINCT ProductNo), count(DISTINCT Country), count(DISTINCT CustomerNo), count(DISTINCT ProductNo, Price) FROM sales
