SELECT Countri FROM sales
