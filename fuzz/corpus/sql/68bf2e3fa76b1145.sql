SELECT s.ProductNo, s.ProductName = p.ProductName AS same_name FROM sales s JOIN products p ON s.ProductNo = p.ProductNo WHERE s.Country = 'Belgium'
