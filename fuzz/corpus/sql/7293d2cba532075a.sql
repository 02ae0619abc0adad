SELECT ProductName, Price FROM sales WHERE Country = 'Germany' ORDER BY ProductName, Price
