SELECT Quantity + true FROM sales
