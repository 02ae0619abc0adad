SELECT count(*), count(CustomerNo), count(DISTINCT CustomerNo) FROM sales
